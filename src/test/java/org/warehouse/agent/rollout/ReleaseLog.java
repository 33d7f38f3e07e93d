package org.warehouse.agent.rollout;

import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the simulated hosts did with one release, as they saw it (times are System.nanoTime()): who
 * installed, restarted, failed, finished, saw the halt; every admission with the time its question
 * was asked.
 */
final class ReleaseLog {
  /** An admission: when the granting question was asked, and when the install began. */
  record Admission(String host, long askedAt, long installAt) {}

  /** A restart onto the release: when the confirm that allowed it was asked. */
  record Restart(String host, long epoch, long confirmAskedAt) {}

  final Set<String> installed = ConcurrentHashMap.newKeySet();
  final Queue<Admission> admissions = new ConcurrentLinkedQueue<>();
  final Queue<Restart> restarts = new ConcurrentLinkedQueue<>();
  final Queue<Long> failedAt = new ConcurrentLinkedQueue<>();
  final Map<String, Long> haltSeenAt = new ConcurrentHashMap<>();

  /** Per host, when the latest question that was not answered "halted" was asked. */
  final Map<String, Long> lastNotHaltedAsk = new ConcurrentHashMap<>();

  final Map<String, Long> doneAt = new ConcurrentHashMap<>();
  final Set<String> lost = ConcurrentHashMap.newKeySet();
  final Queue<String> crashes = new ConcurrentLinkedQueue<>();
  final AtomicLong asks = new AtomicLong();
  // When each "wait" or "admitted" answer came back: how soon hosts got through after a restart.
  final Queue<Long> answeredAt = new ConcurrentLinkedQueue<>();
  final AtomicLong refusedRestarts = new AtomicLong();

  /** Hosts between a confirmed restart and the start of their release, with the slot's epoch. */
  final Map<String, Long> acting = new ConcurrentHashMap<>();

  void admitted(String host, long askedAt) {
    notHalted(host, askedAt);
    installed.add(host);
    admissions.add(new Admission(host, askedAt, System.nanoTime()));
  }

  void restarted(String host, long epoch, long confirmAskedAt) {
    restarts.add(new Restart(host, epoch, confirmAskedAt));
    acting.put(host, epoch);
  }

  /** A question asked at {@code askedAt} was answered "wait" or "admitted". */
  void notHalted(String host, long askedAt) {
    lastNotHaltedAsk.merge(host, askedAt, Math::max);
    answeredAt.add(System.nanoTime());
  }

  void haltSeen(String host) {
    haltSeenAt.putIfAbsent(host, System.nanoTime());
  }

  void done(String host) {
    doneAt.putIfAbsent(host, System.nanoTime());
  }

  void crashed(String host, RuntimeException e) {
    crashes.add(host + ": " + e);
  }
}
