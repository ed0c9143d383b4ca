/* ps-table.c: not written yet */
#include "config.h"

#include "ps-table.h"
