/* ps-cell-type.c: not written yet */
#include "config.h"

#include "ps-cell-type.h"
