#!/usr/bin/env python3
"""Renders a chart offline with Helm's own Go engine (Helm v4 through the helm-python-sdk package's libhelm_c).

Reads {"chart": dir, "values": {...}, "release": name, "namespace": ns} as JSON on stdin; prints
{"manifests": {template path: text}, "lint": report} as JSON, or {"error": message} and exits 1.
Used by test/deploy-helm.test.ts; scripts/setup.sh installs the package into .tools/helm-python.
"""
import json
import sys

import helm_python as helm


def main() -> int:
    request = json.load(sys.stdin)
    try:
        chart = helm.Chart.load(request["chart"])
        chart.validate_schema(request.get("values"))
        manifests = chart.render(
            request.get("values"),
            name=request.get("release", "forgebot"),
            namespace=request.get("namespace", "default"),
            is_install=True,
        )
        report = helm.lint(request["chart"], request.get("values"), strict=True, namespace=request.get("namespace", "default"))
    except helm.HelmError as error:
        json.dump({"error": str(error)}, sys.stdout)
        return 1
    json.dump({"helm": helm.helm_sdk_version(), "manifests": manifests, "lint": report}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
