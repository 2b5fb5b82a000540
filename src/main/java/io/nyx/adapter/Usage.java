package io.nyx.adapter;

/**
 * How a version has answered over some stretch of requests: how many answers, their mean reward,
 * and the share of calls that failed (those count as reward −1 in the mean too). Zeros when none.
 */
public record Usage(int answers, double rewardMean, double errorRate) {
  public static final Usage NONE = new Usage(0, 0, 0);
}
