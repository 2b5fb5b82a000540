package io.nyx.backend;

/**
 * How vLLM refuses a runtime LoRA request (vLLM's answers, mapped once in {@code openai}). The
 * message is vLLM's, prefixed with the server's URL and, where it helps, what to do.
 */
public abstract sealed class LoraAdminException extends Exception {
  private static final long serialVersionUID = 1L;

  LoraAdminException(String message) {
    super(message);
  }

  /**
   * The load/unload routes do not exist (FastAPI's 404 {@code {"detail":"Not Found"}}): the server
   * runs without {@code VLLM_ALLOW_RUNTIME_LORA_UPDATING=true}.
   */
  public static final class RuntimeUpdatesOff extends LoraAdminException {
    private static final long serialVersionUID = 1L;

    public RuntimeUpdatesOff(String url) {
      super(
          url
              + " refuses runtime LoRA loading: start vLLM with"
              + " VLLM_ALLOW_RUNTIME_LORA_UPDATING=true (and --enable-lora)");
    }
  }

  /** 400 {@code InvalidUserInput} "has already been loaded". */
  public static final class AlreadyLoaded extends LoraAdminException {
    private static final long serialVersionUID = 1L;

    public AlreadyLoaded(String url, String name, String vllmMessage) {
      super(url + " already serves an adapter named '" + name + "': " + vllmMessage);
    }
  }

  /** 404 {@code NotFoundError}: no adapter by that name (unload), or no adapter at the path. */
  public static final class NotFound extends LoraAdminException {
    private static final long serialVersionUID = 1L;

    public NotFound(String url, String vllmMessage) {
      super(url + ": " + vllmMessage);
    }
  }

  /** Any other 4xx: vLLM could not load the adapter (rank, DoRA, bias, files, bad request). */
  public static final class Refused extends LoraAdminException {
    private static final long serialVersionUID = 1L;

    public Refused(String url, int status, String vllmMessage) {
      super(url + " refused the adapter (" + status + "): " + vllmMessage);
    }
  }
}
