#include "console_command.h"

#include <iostream>

#include "accounts.h"

namespace fieldgate {

int console_user_command(const ConsoleUserArgs& args, std::istream& in, std::ostream& out,
                         std::ostream& err) {
    if (!console::valid_account_name(args.name)) {
        err << "console user: --name must be 1 to 64 characters of A-Z a-z 0-9 . _ -\n";
        return 2;
    }
    if (!console::valid_role(args.role)) {
        err << "console user: --role must be viewer or operator\n";
        return 2;
    }
    std::string password;
    std::getline(in, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.size() < 12) {
        err << "console user: give a password of at least 12 characters on stdin\n";
        return 2;
    }
    try {
        console::put_account(args.users_file,
                             {args.name, args.role, console::hash_password(password)});
    } catch (const std::exception& e) {
        err << "console user: " << e.what() << "\n";
        return 1;
    }
    out << "console user: " << args.name << " (" << args.role << ") written to " << args.users_file
        << "\n";
    return 0;
}

}  // namespace fieldgate
