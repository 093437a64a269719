"""Operations: security headers, readiness, backup and restore, background jobs, structured logs."""
