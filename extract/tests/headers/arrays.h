// Arrays: multi-dimensional fields, arrays of pointers, pointers to arrays, arrays of
// function pointers, and array parameters (pointers).

struct grid {
    int cells[3][4];
    const char *labels[3];
    double (*row)[4];
    void (*handlers[2])(int);
};

void fill_grid(struct grid *g, int value);
void copy_rows(int destination[][4], const int source[][4], int rows);
