// The system's SQLite C API, as a Swift module (see module.modulemap).
#include <sqlite3.h>
