// Linked with every object of one layer's library and only the layers below
// it (tests/CMakeLists.txt): a call from that layer into a higher one is an
// undefined reference, so the build fails. Nothing runs.
int main() {
    return 0;
}
