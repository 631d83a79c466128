/* TEMPORARY link placeholder while the EVE/snort_json inputs are written. Delete me. */
#include "input.h"
const struct input_ops input_eve_file = { .name = "eve" };
const struct input_ops input_eve_socket = { .name = "eve_socket" };
const struct input_ops input_snort_json = { .name = "snort_json" };
