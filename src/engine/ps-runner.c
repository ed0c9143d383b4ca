/* ps-runner.c: not written yet */
#include "config.h"

#include "ps-runner.h"
