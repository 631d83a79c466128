/* SPDX-License-Identifier: MIT */
/*
 * The policy area of the state store: its tables and every query on them.
 * (Schema filled in by the module that owns this area.)
 */
#include "store.h"

const char store_sql_policy[] = "";
