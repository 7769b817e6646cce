// cairo 1.16 (Debian: libcairo2-dev): image and SVG surfaces, and its "toy" text API, which
// finds DejaVu Sans (fonts-dejavu-core) through fontconfig. Only DescentData's Canvas calls it.
#include <cairo/cairo.h>
#include <cairo/cairo-svg.h>
