#!/usr/bin/env python3
"""Runs health.lua against every case of health_test.yaml with a Lua 5.x interpreter.

Usage: test_health.py [LUA]   (default: lua5.4). Exits 1 on any mismatch. Needs PyYAML.
"""
import json
import pathlib
import subprocess
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent


def lua_literal(value):
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "{" + ", ".join(lua_literal(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{json.dumps(str(k))}] = {lua_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def run_case(lua, case):
    obj = yaml.safe_load((HERE / case["inputPath"]).read_text())
    program = (
        f"obj = {lua_literal(obj)}\n"
        f"local hs = (function()\n{(HERE / 'health.lua').read_text()}\nend)()\n"
        'io.write(hs.status, "\\n", hs.message or "", "\\n")\n'
    )
    out = subprocess.run([lua, "-"], input=program, capture_output=True, text=True, check=True).stdout
    status, message = out.split("\n", 1)
    return status, message.rstrip("\n")


def main():
    lua = sys.argv[1] if len(sys.argv) > 1 else "lua5.4"
    cases = yaml.safe_load((HERE / "health_test.yaml").read_text())["tests"]
    failed = 0
    for case in cases:
        want = case["healthStatus"]
        status, message = run_case(lua, case)
        if status != want["status"] or message != want["message"]:
            failed += 1
            print(f"FAIL {case['inputPath']}: got {status!r} {message!r}, want {want!r}")
        else:
            print(f"ok   {case['inputPath']}: {status}")
    print(f"{len(cases) - failed}/{len(cases)} passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
