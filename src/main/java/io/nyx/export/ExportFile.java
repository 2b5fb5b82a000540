package io.nyx.export;

/**
 * One written part of an export, as its manifest lists it.
 *
 * @param path the file's name, relative to the manifest's directory
 * @param lines the lines in it (the part's own, plus any outside lines mixed into it)
 * @param sha256 the SHA-256 of its bytes, lower-case hex
 */
public record ExportFile(Split split, String path, long lines, String sha256) {}
