"""Partner delivery to S3-compatible buckets (AWS, SeaweedFS, MinIO, R2)."""
