/* ps-scenario.c: not written yet */
#include "config.h"

#include "ps-scenario.h"
