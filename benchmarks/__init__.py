"finattn's benchmark suite: `python -m benchmarks --help`. Not part of the installed package; peers come from the `bench` extra."
