/* ps-pack.c: not written yet */
#include "config.h"

#include "ps-pack.h"
