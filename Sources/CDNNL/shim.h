// oneDNN 2.6's C API (Debian: libdnnl-dev).
#include <dnnl.h>
