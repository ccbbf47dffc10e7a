#include "cli/app.h"

int main(int argc, char** argv) {
    return agentsight::cli::run(argc, argv);
}
