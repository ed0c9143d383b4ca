/* ps-recorder.c: not written yet */
#include "config.h"

#include "ps-recorder.h"
