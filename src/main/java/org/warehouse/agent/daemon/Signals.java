package org.warehouse.agent.daemon;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.logging.Logger;

/**
 * Handles SIGTERM, SIGINT and SIGHUP with {@code sun.misc.Signal} (module jdk.unsupported), reached
 * by reflection: javac warns about that API in a way no annotation suppresses, and the build treats
 * warnings as errors. Handling SIGTERM ourselves (instead of a shutdown hook) lets the daemon stop
 * in order and exit 0, where the JVM's own handler would exit 143.
 */
final class Signals {
  private static final Logger LOG = Logger.getLogger("daemon");

  private Signals() {}

  /**
   * Runs {@code action} on each {@code name} signal (TERM, INT, HUP), on a JVM signal thread.
   *
   * @return false when this JVM offers no signal API (the caller falls back to a shutdown hook)
   */
  static boolean handle(String name, Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Constructor<?> make = signalClass.getConstructor(String.class);
      Object signal = make.newInstance(name);
      Object handler =
          Proxy.newProxyInstance(
              Signals.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                switch (method.getName()) {
                  case "handle" -> action.run();
                  case "hashCode" -> {
                    return System.identityHashCode(proxy);
                  }
                  case "equals" -> {
                    return proxy == args[0];
                  }
                  case "toString" -> {
                    return "agent " + name + " handler";
                  }
                  default -> {}
                }
                return null;
              });
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      handle.invoke(null, signal, handler);
      return true;
    } catch (ClassNotFoundException
        | NoSuchMethodException
        | InstantiationException
        | IllegalAccessException
        | InvocationTargetException e) {
      LOG.warning("cannot handle SIG" + name + ": " + e);
      return false;
    }
  }
}
