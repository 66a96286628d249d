#!/usr/bin/env python3
"""Lints and renders charts/authpath with helm-python-sdk, then validates every rendered object
against the Kubernetes schemas with kubernetes-validate (strict). Run with the defaults and with
ci/all-on-values.yaml. Needs PyPI `helm-python-sdk` and `kubernetes-validate`."""
import pathlib
import subprocess
import sys
import tempfile

import helm_python as helm
import yaml

CHART = pathlib.Path(__file__).resolve().parent.parent


def render(values):
    chart = helm.Chart.load(str(CHART))
    return chart.render(values, name="authpath", namespace="authpath-system")


def main():
    print("lint:", helm.lint(str(CHART)))
    failed = 0
    for values_file in [None, CHART / "ci" / "all-on-values.yaml"]:
        values = yaml.safe_load(values_file.read_text()) if values_file else {}
        rendered = render(values)
        docs = rendered.values() if isinstance(rendered, dict) else [rendered]
        text = "\n---\n".join(str(d) for d in docs)
        objects = [o for o in yaml.safe_load_all(text) if o]
        kinds = sorted({o["kind"] for o in objects})
        print(f"{values_file or 'defaults'}: {len(objects)} objects: {', '.join(kinds)}")
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as out:
            out.write(yaml.safe_dump_all(objects))
        result = subprocess.run(
            [sys.executable, "-m", "kubernetes_validate", "-k", "1.33", "--strict", out.name],
            capture_output=True, text=True)
        errors = [l for l in result.stdout.splitlines() + result.stderr.splitlines() if "ERROR" in l]
        for line in errors:
            print("  ", line)
        failed += len(errors) + (1 if result.returncode else 0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
