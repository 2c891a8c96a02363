from pathlib import Path

from setuptools import find_packages, setup

setup(
    name="airflow-stable-client",
    version="2.11.2",
    description="A fast, strict-in, tolerant-out client for the stable REST API (v1) of Apache Airflow 2.x",
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.10",
    packages=find_packages(include=["airflow_client", "airflow_client.*"]),
    package_data={"airflow_client.client": ["py.typed"]},
    entry_points={"console_scripts": ["airflow-client = airflow_client.cli:run"]},
    install_requires=["urllib3>=1.26.4,<3", "python-dateutil>=2.8", "certifi"],
    extras_require={
        # pysocks: the SOCKS proxy tests of test/reliability/test_proxies.py; google-auth and cryptography:
        # the GoogleAuth tests (a real google-auth against a loopback token endpoint); boto3: the
        # MwaaApiClient tests (a real boto3 against a loopback MWAA endpoint); pandas and tqdm: the
        # notebook tests (to_pandas, progress). Not runtime needs.
        "test": ["pytest>=7", "hypothesis>=6", "trustme>=1.0", "pyyaml", "ruff", "mypy>=1.8", "pysocks",
                 "google-auth>=2.15", "cryptography", "boto3>=1.36", "pandas", "tqdm"],
        # Kerberos (airflow_client.client.kerberos). On Linux it compiles python-gssapi and krb5: needs the
        # MIT Kerberos headers (Debian: libkrb5-dev) and a C compiler; test/kerberos installs them and this extra.
        "kerberos": ["pyspnego[kerberos]>=0.9"],
        # Cloud Composer and IAP (airflow_client.client.managed.GoogleAuth).
        "google": ["google-auth>=2.15"],
        # Amazon MWAA (airflow_client.client.managed.MwaaApiClient): InvokeRestApi and web login tokens.
        "aws": ["boto3>=1.36"],
    },
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "License :: OSI Approved :: Apache Software License",
        "Typing :: Typed",
    ],
)
