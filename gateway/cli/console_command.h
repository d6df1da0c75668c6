// `fieldgate console user`: adds a console account to the users file, or replaces its role and
// password. The password is read from stdin (never argv, which other users of the machine can
// read in the process list): the first line, without its newline.
#pragma once

#include <iosfwd>
#include <string>

namespace fieldgate {

struct ConsoleUserArgs {
    std::string users_file;
    std::string name;
    std::string role = "viewer";
};

int console_user_command(const ConsoleUserArgs& args, std::istream& in, std::ostream& out,
                         std::ostream& err);

}  // namespace fieldgate
