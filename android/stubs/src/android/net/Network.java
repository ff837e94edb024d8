/*
 * COMPILE-ONLY STAND-IN, NOT THE ANDROID SDK (see Context.java in this tree).
 */
package android.net;

/** Compile-only stand-in for android.net.Network. */
public class Network {}
