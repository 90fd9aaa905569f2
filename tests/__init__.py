"""The test suite; a package so that tests, bench/ and security/ import tests.support."""
