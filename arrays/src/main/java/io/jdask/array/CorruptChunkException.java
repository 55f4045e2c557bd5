package io.jdask.array;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A chunk file exists but does not hold what its metadata promises: truncated, not an Arrow IPC
 * file, another dtype or element count, or buffers that point outside the file.
 *
 * <p>A checked {@link IOException}, so that the caller deciding what a lost chunk means (recompute
 * it, or fail the task) cannot forget the case; distinct from other I/O errors so that it can
 * tell a damaged file from an unreachable disk. The message names the file and the chunk.
 */
final class CorruptChunkException extends IOException {

  private static final long serialVersionUID = 1L;

  CorruptChunkException(Path file, String chunkName, String problem) {
    super("chunk '" + chunkName + "' in " + file + " is corrupt: " + problem);
  }

  CorruptChunkException(Path file, String chunkName, String problem, Throwable cause) {
    super("chunk '" + chunkName + "' in " + file + " is corrupt: " + problem, cause);
  }
}
