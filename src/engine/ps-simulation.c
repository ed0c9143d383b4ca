/* ps-simulation.c: not written yet */
#include "config.h"

#include "ps-simulation.h"
