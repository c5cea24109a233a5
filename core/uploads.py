"""Upload handling: stop reading a file as soon as it passes the evidence size limit."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts each uploaded file's bytes and stops the upload past EVIDENCE_MAX_BYTES.

    The rest of the request body is read and thrown away (nothing reaches the disk); the view finds
    `request.upload_too_large` set and tells the person the limit.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.EVIDENCE_MAX_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers build the file
