/* TEMPORARY link placeholder while capture/lockacct are written. Delete me. */
#include "responder.h"
const struct responder_ops resp_capture = { .name = "capture" };
const struct responder_ops resp_lockacct = { .name = "lockacct" };
