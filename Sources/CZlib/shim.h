// zlib, for reading the deflated parts of XLSX workbooks (the hotline import). Vapor's response
// compression (swift-nio-extras) links the same library, so it adds nothing to what a build needs.
#include <zlib.h>
