/* ps-render-layout.c: not written yet */
#include "config.h"

#include "ps-render.h"
