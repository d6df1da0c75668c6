// A problem found while loading a vendor folder: the file, the JSON pointer of the bad entry
// and what is wrong. Printed as "<file>#<pointer>: <message>".
#pragma once

#include <string>

namespace fieldgate {

struct LoadError {
    std::string file;
    std::string pointer;  // JSON pointer into `file`; "" = the whole file
    std::string message;
    std::string to_string() const { return file + "#" + pointer + ": " + message; }
};

}  // namespace fieldgate
