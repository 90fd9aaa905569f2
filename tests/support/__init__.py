"""What tests, bench/ and security/ share: servers, browser, staff sign-in, filing helpers.

Tests import from here, never from each other or from conftest.
"""
