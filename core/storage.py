"""The local evidence storage: a file is either stored whole or not at all.

Django's FileSystemStorage writes a file in place: when the disk fills up or the process dies half-way, a
partial file stays under the final name. Here the content is written to a hidden temporary file in the same
folder, flushed to disk, and only then linked under its name (which fails, and a new name is taken, if the name
exists); the temporary file is removed whatever happens. A failure raises OSError with nothing left behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

from django.core.files.storage import FileSystemStorage


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            with os.fdopen(descriptor, "wb") as stream:
                content.seek(0)
                for chunk in content.chunks():
                    stream.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                stream.flush()
                os.fsync(stream.fileno())
            while True:
                try:
                    os.link(temporary, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        return os.path.relpath(full_path, self.location).replace("\\", "/")
