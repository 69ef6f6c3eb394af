"Package metadata, read from settings.ini (nbdev 2 layout)."
from configparser import ConfigParser
import setuptools

cfg_file = ConfigParser(delimiters=['='])
cfg_file.read('settings.ini')
cfg = cfg_file['DEFAULT']

expected = ('version description keywords author author_email license lib_name user '
            'min_python status audience language').split()
missing = [o for o in expected if o not in cfg]
if missing: raise ValueError(f"settings.ini is missing {missing}")

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable',
            '6 - Mature', '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()

lic = licenses[cfg['license'].lower()]
min_python = cfg['min_python']
requirements = cfg.get('requirements', '').split()
dev_requirements = cfg.get('dev_requirements', '').split()
data_requirements = cfg.get('data_requirements', '').split()  # Parquet for the intraday loaders
export_requirements = cfg.get('export_requirements', '').split()  # ONNX export and its check with onnxruntime
tda_requirements = cfg.get('tda_requirements', '').split()  # persistent homology (gudhi)
serve_requirements = cfg.get('serve_requirements', '').split()  # the REST service (FastAPI + uvicorn)
bench_requirements = cfg.get('bench_requirements', '').split()  # peers of the benchmark suite, never library deps
console_scripts = cfg.get('console_scripts', '').split()

setuptools.setup(
    name=cfg['lib_name'],
    license=lic[0],
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])],
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'License :: ' + lic[1],
                 'Natural Language :: ' + cfg['language'].title()] +
                ['Programming Language :: Python :: ' + o
                 for o in py_versions[py_versions.index(min_python):]],
    url=cfg['git_url'],
    packages=setuptools.find_packages(include=[cfg['lib_name'], cfg['lib_name'] + '.*']),
    include_package_data=True,
    install_requires=requirements,
    extras_require={'data': data_requirements, 'export': export_requirements, 'tda': tda_requirements,
                    'serve': serve_requirements, 'bench': bench_requirements,
                    'dev': dev_requirements + data_requirements + export_requirements + tda_requirements + serve_requirements},
    python_requires='>=' + min_python,
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={'console_scripts': console_scripts, 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    description=cfg['description'], keywords=cfg['keywords'], author=cfg['author'],
    author_email=cfg['author_email'], version=cfg['version'],
)
