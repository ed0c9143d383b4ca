/* ps-curve-view.c: not written yet */
#include "config.h"

#include <gtk/gtk.h>
