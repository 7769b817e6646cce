// libpng 1.6 (Debian: libpng-dev). DescentData uses only its simplified API
// (png_image_*), which reports errors through the png_image struct instead of longjmp.
#include <png.h>
