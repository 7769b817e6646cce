// SwiftPM names an executable target's entry point TARGET_main and links `main` to it; each fuzz
// target defines that function by calling this, which runs libFuzzer's driver on the target's
// LLVMFuzzerTestOneInput (libFuzzer's own `main` is not linked in that case).
int descent_fuzz_main(int argc, char **argv);
