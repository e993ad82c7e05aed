package io.notiflow.inapp.rest;

/** A query or path parameter no rule accepts: a 400 naming it. */
public class BadParameterException extends RuntimeException {

    private final String parameter;

    public BadParameterException(String parameter, String problem) {
        super(problem);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
