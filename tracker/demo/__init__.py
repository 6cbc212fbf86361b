"""The demo ward (Vĩnh Hòa, 2024) and the generated city used by benchmarks."""
