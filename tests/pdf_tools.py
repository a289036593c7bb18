"""Reading our PDFs back with poppler-utils (scripts/test installs it), as a printer would."""
import subprocess

from PIL import Image


def _saved(data, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pdf_text(data, tmp_path, name="doc.pdf"):
    """The text ``pdftotext`` finds, in reading order (layout kept)."""
    path = _saved(data, tmp_path, name)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_fonts(data, tmp_path, name="doc.pdf"):
    """``pdffonts`` rows as dicts: name, type, emb, sub, uni."""
    path = _saved(data, tmp_path, name)
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                         text=True).stdout.splitlines()[2:]
    rows = []
    for line in out:
        cells = line.split()
        # name, type (may be two words), encoding, emb, sub, uni, object, id
        rows.append({"name": cells[0], "type": " ".join(cells[1:-6]), "emb": cells[-5],
                     "sub": cells[-4], "uni": cells[-3]})
    return rows


def pdf_pages(data, tmp_path, name="doc.pdf"):
    path = _saved(data, tmp_path, name)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def rasterise(data, tmp_path, dpi=150, name="doc.pdf"):
    """Each page as a Pillow image, through ``pdftoppm``."""
    path = _saved(data, tmp_path, name)
    prefix = tmp_path / f"{name}-page"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(prefix)], check=True)
    return [Image.open(p) for p in sorted(tmp_path.glob(f"{name}-page-*.png"))]


def has_images(data, tmp_path, name="doc.pdf"):
    path = _saved(data, tmp_path, name)
    out = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    return len(out) > 2
