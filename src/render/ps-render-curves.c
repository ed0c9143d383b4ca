/* ps-render-curves.c: not written yet */
#include "config.h"

#include "ps-render.h"
