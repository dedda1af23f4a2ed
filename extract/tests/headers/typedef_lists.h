// One anonymous struct (or enum) named by several typedefs, one of them a pointer, as in
// X11's Xregion.h: `typedef struct { … } Box, BOX, BoxRec, *BoxPtr;`. The first name is the
// type; the others are aliases of it, and the pointer typedef points to it.

typedef struct {
    short x1, x2, y1, y2;
} Box, BOX, BoxRec, *BoxPtr;

typedef enum { RED, GREEN } Color, COLOR, *ColorPtr;

typedef struct _Region {
    long size;
    BOX *rects;
    BOX extents;
    COLOR color;
} REGION;

BoxPtr first_box(REGION *region);
