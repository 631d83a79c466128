/* TEMPORARY link placeholder while the unified2 input is written. Delete me. */
#include "input.h"
const struct input_ops input_unified2 = { .name = "unified2" };
