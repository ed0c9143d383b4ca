/* ps-frame.c: not written yet */
#include "config.h"

#include "ps-frame.h"
