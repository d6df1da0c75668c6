#include "catalog_command.h"

#include <exception>

#include "catalog.h"
#include "catalog_markdown.h"
#include "config.h"

namespace fieldgate {

int catalog_markdown_command(const std::string& config_path, std::ostream& out, std::ostream& err) {
    try {
        const auto config = config_or_shipped(config_path);
        out << catalog_markdown(Catalog::load(config.catalog_path, config.catalog_schema_path));
        return 0;
    } catch (const std::exception& e) {
        err << "catalog markdown: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace fieldgate
