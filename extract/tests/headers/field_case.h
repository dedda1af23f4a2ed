// Fields whose names differ only in case (Xcms.h's `XcmsCIExyY` has `x`, `y` and `Y`): each
// keeps an offset constant of its own. A field spelled in capitals has `OFFSET_` plus its
// name; the others `OFFSET_` plus their name as written.

typedef struct {
    double x;
    double y;
    double Y;
} color_xyY;

struct mixed {
    int count;
    int Count;
    int COUNT;
};
