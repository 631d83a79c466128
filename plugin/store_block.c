/* SPDX-License-Identifier: MIT */
/*
 * The block area of the state store: its tables and every query on them.
 * (Schema filled in by the module that owns this area.)
 */
#include "store.h"

const char store_sql_block[] = "";
