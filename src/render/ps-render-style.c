/* ps-render-style.c: not written yet */
#include "config.h"

#include "ps-render.h"
