"""The no-Docker local runtime: template.yaml on an embedded moto server (a dev tool, never shipped to Lambda)."""
